import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { openState, type StateLayer } from "./database.js";
import { BlobDamagedError, BlobNotFoundError, ComposedStream, DiskBlobStore, INLINE_BLOB_BYTES, SMALL_BLOB_BYTES } from "./blob-store.js";

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function blobFiles(root: string): string[] {
  const out: string[] = [];
  for (const top of readdirSync(root)) {
    if (top === "tmp") continue;
    for (const sub of readdirSync(join(root, top))) out.push(...readdirSync(join(root, top, sub)));
  }
  return out.sort();
}

/** A buffered put and its retain, committed: a blob some row holds. */
async function putRetained(state: StateLayer, body: Buffer): Promise<{ id: string }> {
  const blob = await state.blobs.put(body);
  state.transaction(() => state.blobs.retain(blob.id));
  return blob;
}

function tempFiles(root: string): string[] {
  return readdirSync(join(root, "tmp"));
}

/** A store where every blob has a file (the tests of inline blobs say otherwise). */
async function withState(fn: (state: StateLayer) => Promise<void>): Promise<void> {
  const state = openState({ inMemory: true, inlineBlobBytes: 0 });
  try {
    await fn(state);
  } finally {
    state.close();
  }
}

describe("blob store put", () => {
  test("stores a Buffer under its sha256 in ab/cd/<id>, with the digests asked for", () =>
    withState(async (state) => {
      const body = Buffer.from("hello nimbus");
      const blob = await state.blobs.put(body, { hashes: ["md5", "sha1"] });
      assert.equal(blob.id, sha256(body));
      assert.equal(blob.size, body.length);
      assert.equal(blob.sha256?.toString("hex"), blob.id);
      assert.equal(blob.md5?.toString("hex"), createHash("md5").update(body).digest("hex"));
      assert.equal(blob.sha1?.toString("hex"), createHash("sha1").update(body).digest("hex"));
      assert.equal(state.blobs.path(blob.id), join(state.blobs.root, blob.id.slice(0, 2), blob.id.slice(2, 4), blob.id));
      assert.equal(state.blobs.has(blob.id), true);
      assert.equal(state.blobs.size(blob.id), body.length);
      assert.deepEqual(await readAll(state.blobs.get(blob.id)), body);
      assert.deepEqual(tempFiles(state.blobs.root), []);
    }));

  test("only computes the digests asked for", () =>
    withState(async (state) => {
      const blob = await state.blobs.put(Buffer.from("x"));
      assert.equal(blob.md5, undefined);
      assert.equal(blob.sha1, undefined);
    }));

  test("accepts Readable streams, async iterables, string chunks and empty bodies", () =>
    withState(async (state) => {
      const fromStream = await state.blobs.put(Readable.from([Buffer.from("ab"), Buffer.from("cd")]));
      assert.equal(fromStream.id, sha256("abcd"));
      async function* parts() {
        yield new Uint8Array([0x61, 0x62]);
        yield new Uint8Array([0x63, 0x64]);
      }
      const fromIterable = await state.blobs.put(parts());
      assert.equal(fromIterable.id, sha256("abcd"));
      const fromStrings = await state.blobs.put(Readable.from(["ab", "cd"], { objectMode: true }));
      assert.equal(fromStrings.id, sha256("abcd"));
      const empty = await state.blobs.put(Buffer.alloc(0));
      assert.equal(empty.id, sha256(""));
      assert.equal(empty.size, 0);
      assert.deepEqual(await readAll(state.blobs.get(empty.id)), Buffer.alloc(0));
      assert.deepEqual(blobFiles(state.blobs.root), [sha256(""), sha256("abcd")].sort());
    }));

  test("a streamed put with id unique gets a random id and no sha256, identical bodies two files", () =>
    withState(async (state) => {
      const a = await state.blobs.put(Readable.from([Buffer.from("same")]), { id: "unique", hashes: ["md5"] });
      const b = await state.blobs.put(Readable.from([Buffer.from("same")]), { id: "unique" });
      assert.match(a.id, /^[0-9a-f]{64}$/);
      assert.notEqual(a.id, b.id);
      assert.notEqual(a.id, sha256("same"));
      assert.equal(a.sha256, undefined);
      assert.equal(a.md5?.toString("hex"), createHash("md5").update("same").digest("hex"));
      assert.deepEqual(await readAll(state.blobs.get(a.id)), Buffer.from("same"));
      const withSha = await state.blobs.put(Readable.from([Buffer.from("same")]), { id: "unique", hashes: ["sha256"] });
      assert.equal(withSha.sha256?.toString("hex"), sha256("same"));
    }));

  test("onChunk sees every chunk, for checksums the store does not compute", () =>
    withState(async (state) => {
      const seen: string[] = [];
      await state.blobs.put(Readable.from([Buffer.from("one"), Buffer.from("two")]), {
        onChunk: (chunk) => {
          seen.push(Buffer.from(chunk).toString());
        },
      });
      assert.deepEqual(seen, ["one", "two"]);
    }));
});

describe("blob store aborted puts leave nothing behind", () => {
  test("a source stream that errors mid-way", () =>
    withState(async (state) => {
      const source = new Readable({ read() {} });
      const put = state.blobs.put(source);
      source.push(Buffer.alloc(64 * 1024, 1));
      setImmediate(() => source.destroy(new Error("client went away")));
      await assert.rejects(put, { message: "client went away" });
      assert.deepEqual(tempFiles(state.blobs.root), []);
      assert.deepEqual(blobFiles(state.blobs.root), []);
    }));

  test("a source stream destroyed without an error", () =>
    withState(async (state) => {
      const source = new Readable({ read() {} });
      const put = state.blobs.put(source);
      source.push(Buffer.from("partial"));
      setImmediate(() => source.destroy());
      await assert.rejects(put, { code: "ERR_STREAM_PREMATURE_CLOSE" });
      assert.deepEqual(tempFiles(state.blobs.root), []);
      assert.deepEqual(blobFiles(state.blobs.root), []);
    }));

  test("an async iterable that throws", () =>
    withState(async (state) => {
      async function* failing() {
        yield Buffer.from("some bytes");
        throw new Error("upstream failed");
      }
      await assert.rejects(state.blobs.put(failing()), { message: "upstream failed" });
      assert.deepEqual(tempFiles(state.blobs.root), []);
    }));

  test("an abort signal", () =>
    withState(async (state) => {
      const controller = new AbortController();
      const source = new Readable({ read() {} });
      const put = state.blobs.put(source, { signal: controller.signal });
      source.push(Buffer.from("first part"));
      setImmediate(() => controller.abort());
      await assert.rejects(put, { name: "AbortError" });
      assert.deepEqual(tempFiles(state.blobs.root), []);
    }));

  test("onChunk throwing (a size limit)", () =>
    withState(async (state) => {
      let total = 0;
      const put = state.blobs.put(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), {
        onChunk: (chunk) => {
          total += chunk.length;
          if (total > 15) throw new Error("EntityTooLarge");
        },
      });
      await assert.rejects(put, { message: "EntityTooLarge" });
      assert.deepEqual(tempFiles(state.blobs.root), []);
      assert.deepEqual(blobFiles(state.blobs.root), []);
    }));

  test("a buffered put whose file cannot be placed (a full disk, a shard that is no directory)", () =>
    withState(async (state) => {
      const body = Buffer.alloc(100_000, 7);
      const id = sha256(body);
      // A file where the shard directory should be: the temp file is written, the rename fails.
      writeFileSync(join(state.blobs.root, id.slice(0, 2)), "not a directory");
      await assert.rejects(state.blobs.put(body), { code: "ENOTDIR" });
      assert.deepEqual(tempFiles(state.blobs.root), []);
    }));

  test("a source yielding something that is not bytes", () =>
    withState(async (state) => {
      const put = state.blobs.put(Readable.from([{ not: "bytes" }], { objectMode: true }));
      await assert.rejects(put, { name: "TypeError", message: "blob source yielded object, expected bytes" });
      assert.deepEqual(tempFiles(state.blobs.root), []);
    }));
});

describe("blob store references", () => {
  test("identical bytes share one file; deleting one reference keeps the other", () =>
    withState(async (state) => {
      const blobs = state.blobs;
      const first = await blobs.put(Buffer.from("same bytes"));
      state.transaction(() => blobs.retain(first.id));
      const second = await blobs.put(Readable.from([Buffer.from("same "), Buffer.from("bytes")]));
      state.transaction(() => blobs.retain(second.id));
      assert.equal(second.id, first.id);
      assert.deepEqual(blobFiles(blobs.root), [first.id]);
      assert.equal(blobs.refs(first.id), 2);

      state.transaction(() => blobs.release(first.id));
      assert.equal(blobs.refs(first.id), 1);
      assert.deepEqual(await readAll(blobs.get(first.id)), Buffer.from("same bytes"));

      state.transaction(() => blobs.release(first.id));
      assert.equal(blobs.refs(first.id), 0);
      assert.equal(blobs.has(first.id), false);
      assert.deepEqual(blobFiles(blobs.root), []);
    }));

  test("the file of a released blob goes only after the transaction commits", () =>
    withState(async (state) => {
      const blobs = state.blobs;
      const blob = await blobs.put(Buffer.from("released"));
      state.transaction(() => blobs.retain(blob.id));
      state.transaction(() => {
        blobs.release(blob.id);
        assert.equal(blobs.refs(blob.id), 0);
        assert.equal(blobs.has(blob.id), true, "still there inside the transaction");
      });
      assert.equal(blobs.has(blob.id), false);
    }));

  test("a release rolled back keeps the file and the reference", () =>
    withState(async (state) => {
      const blobs = state.blobs;
      const blob = await blobs.put(Buffer.from("kept"));
      state.transaction(() => blobs.retain(blob.id));
      assert.throws(() =>
        state.transaction(() => {
          blobs.release(blob.id);
          throw new Error("DeleteObject failed later");
        }),
      );
      assert.equal(blobs.refs(blob.id), 1);
      assert.deepEqual(await readAll(blobs.get(blob.id)), Buffer.from("kept"));
      // A savepoint rolled back inside a committed transaction keeps it too.
      state.transaction(() => {
        assert.throws(() =>
          state.transaction(() => {
            blobs.release(blob.id);
            throw new Error("inner");
          }),
        );
      });
      assert.equal(blobs.refs(blob.id), 1);
      assert.equal(blobs.has(blob.id), true);
    }));

  test("release then retain of the same bytes in one transaction (overwrite with identical body) keeps the file", () =>
    withState(async (state) => {
      const blobs = state.blobs;
      const blob = await blobs.put(Buffer.from("v1"));
      state.transaction(() => blobs.retain(blob.id));
      const again = await blobs.put(Buffer.from("v1"));
      state.transaction(() => {
        blobs.release(blob.id);
        blobs.retain(again.id);
      });
      assert.equal(blobs.refs(blob.id), 1);
      assert.equal(blobs.has(blob.id), true);
    }));

  test("release outside a transaction deletes at once", () =>
    withState(async (state) => {
      const blobs = state.blobs;
      const blob = await blobs.put(Buffer.from("autocommit"));
      blobs.retain(blob.id);
      blobs.release(blob.id);
      assert.equal(blobs.has(blob.id), false);
    }));

  test("a put not yet retained survives a concurrent release of the same bytes", () =>
    withState(async (state) => {
      const blobs = state.blobs;
      const old = await blobs.put(Buffer.from("shared"));
      state.transaction(() => blobs.retain(old.id));
      const fresh = await blobs.put(Buffer.from("shared"));
      // Another request deletes the only referencing object before this one commits.
      state.transaction(() => blobs.release(old.id));
      assert.equal(blobs.has(fresh.id), true, "pinned by the pending put");
      state.transaction(() => blobs.retain(fresh.id));
      assert.equal(blobs.refs(fresh.id), 1);
      assert.deepEqual(await readAll(blobs.get(fresh.id)), Buffer.from("shared"));
    }));

  test("a put whose retaining transaction rolls back is removed after the rollback", () =>
    withState(async (state) => {
      const blobs = state.blobs;
      const blob = await blobs.put(Buffer.from("never committed"));
      assert.throws(() =>
        state.transaction(() => {
          blobs.retain(blob.id);
          throw new Error("precondition failed");
        }),
      );
      assert.equal(blobs.refs(blob.id), 0);
      assert.equal(blobs.has(blob.id), false);
    }));

  test("abandon removes a put nobody will retain, but not bytes others hold", () =>
    withState(async (state) => {
      const blobs = state.blobs;
      const lonely = await blobs.put(Buffer.from("bad checksum"));
      blobs.abandon(lonely.id);
      assert.equal(blobs.has(lonely.id), false);

      const held = await blobs.put(Buffer.from("held"));
      state.transaction(() => blobs.retain(held.id));
      const duplicate = await blobs.put(Buffer.from("held"));
      blobs.abandon(duplicate.id);
      assert.equal(blobs.has(held.id), true);
      assert.equal(blobs.refs(held.id), 1);
    }));

  test("retain of a blob that does not exist, release of one not referenced", () =>
    withState(async (state) => {
      const missing = sha256("never stored");
      assert.throws(() => state.blobs.retain(missing), (error: unknown) => {
        assert.ok(error instanceof BlobNotFoundError);
        assert.equal(error.message, `blob ${missing} does not exist`);
        assert.equal(error.code, "BlobNotFound");
        return true;
      });
      const blob = await state.blobs.put(Buffer.from("unreferenced"));
      assert.throws(() => state.blobs.release(blob.id), { message: `release of blob ${blob.id}, which has no references` });
      assert.throws(() => state.blobs.refs("../../etc/passwd"), {
        name: "TypeError",
        message: 'not a blob id (64 lowercase hex digits): "../../etc/passwd"',
      });
    }));
});

describe("blob store reads", () => {
  test("range reads are inclusive and stop at the end", () =>
    withState(async (state) => {
      const body = Buffer.from("0123456789abcdef");
      const blob = await state.blobs.put(body);
      assert.equal((await readAll(state.blobs.get(blob.id, { start: 0, end: 0 }))).toString(), "0");
      assert.equal((await readAll(state.blobs.get(blob.id, { start: 3, end: 7 }))).toString(), "34567");
      assert.equal((await readAll(state.blobs.get(blob.id, { start: 10, end: 15 }))).toString(), "abcdef");
      assert.equal((await readAll(state.blobs.get(blob.id, { start: 12, end: 1000 }))).toString(), "cdef");
      assert.throws(() => state.blobs.get(blob.id, { start: 5, end: 4 }), {
        name: "RangeError",
        message: "blob range must be integers with 0 <= start <= end, got 5-4",
      });
      assert.throws(() => state.blobs.get(blob.id, { start: -1, end: 4 }), RangeError);
      assert.throws(() => state.blobs.get(blob.id, { start: 0.5, end: 4 }), RangeError);
    }));

  test("range reads across a large multi-chunk blob", () =>
    withState(async (state) => {
      const body = Buffer.alloc(1024 * 1024 + 17);
      for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff;
      const blob = await state.blobs.put(body);
      const start = 65_530;
      const end = 900_001;
      assert.deepEqual(await readAll(state.blobs.get(blob.id, { start, end })), body.subarray(start, end + 1));
      assert.deepEqual(await readAll(state.blobs.get(blob.id)), body);
    }));

  test("a read that has started is not cut short by the blob being deleted", () =>
    withState(async (state) => {
      const blob = await state.blobs.put(Buffer.from("still readable"));
      state.blobs.retain(blob.id);
      const stream = state.blobs.get(blob.id);
      state.blobs.release(blob.id);
      assert.equal(state.blobs.has(blob.id), false);
      assert.equal((await readAll(stream)).toString(), "still readable");
    }));

  test("a file truncated outside Nimbus is refused as BlobDamaged when it is opened, not read short", () =>
    withState(async (state) => {
      const large = await putRetained(state, Buffer.alloc(SMALL_BLOB_BYTES + 1000, 3));
      const small = await putRetained(state, Buffer.alloc(50_000, 4));
      for (const { id } of [large, small]) truncateSync(state.blobs.path(id), 1000);
      assert.throws(() => state.blobs.get(large.id), BlobDamagedError);
      assert.throws(() => state.blobs.get(large.id, { start: 0, end: 99 }), BlobDamagedError);
      assert.throws(() => state.blobs.read(large.id, SMALL_BLOB_BYTES + 1000), BlobDamagedError);
      // The put left the small blob's bytes in the read cache: a store without one reads the file.
      const uncached = new DiskBlobStore(state.db, state.blobs.root, 0, 0);
      assert.throws(() => uncached.read(small.id, 50_000), { name: "BlobDamagedError", message: `blob ${small.id} has 1000 bytes where 50000 were stored: its file was changed outside Nimbus` });
      // A composed blob fails when it reaches the part.
      const composed = state.transaction(() => {
        const blob = state.blobs.compose([large, small].map((b) => ({ id: b.id, size: b.id === large.id ? SMALL_BLOB_BYTES + 1000 : 50_000 })));
        state.blobs.retain(blob.id);
        return blob.id;
      });
      await assert.rejects(readAll(state.blobs.get(composed)), BlobDamagedError);
    }));

  test("reading or sizing a missing blob is BlobNotFound", () =>
    withState(async (state) => {
      const missing = sha256("missing");
      assert.throws(() => state.blobs.get(missing), BlobNotFoundError);
      assert.throws(() => state.blobs.size(missing), BlobNotFoundError);
      assert.equal(state.blobs.has(missing), false);
      assert.throws(() => state.blobs.read(missing, 10), BlobNotFoundError);
    }));

  test("read gives small blobs as bytes (ranges included) and large ones as streams", () =>
    withState(async (state) => {
      const small = await state.blobs.put(Buffer.from("0123456789"));
      state.blobs.retain(small.id);
      assert.deepEqual(state.blobs.read(small.id, 10), Buffer.from("0123456789"));
      assert.deepEqual(state.blobs.read(small.id, 10, { start: 2, end: 4 }), Buffer.from("234"));
      assert.deepEqual(state.blobs.read(small.id, 10, { start: 8, end: 99 }), Buffer.from("89"));
      assert.throws(() => state.blobs.read(small.id, 10, { start: 5, end: 2 }), RangeError);
      const bytes = Buffer.alloc(SMALL_BLOB_BYTES + 1, 7);
      const large = await state.blobs.put(bytes);
      state.blobs.retain(large.id);
      const body = state.blobs.read(large.id, bytes.length);
      assert.equal(Buffer.isBuffer(body), false);
      assert.deepEqual(await readAll(body as AsyncIterable<unknown>), bytes);
    }));

  test("the read cache keeps its own copy: a caller reusing its buffer after the put changes nothing", () =>
    withState(async (state) => {
      const body = Buffer.from("original bytes");
      const blob = await state.blobs.put(body);
      state.blobs.retain(blob.id);
      body.write("CHANGED");
      assert.deepEqual(state.blobs.read(blob.id, body.length), Buffer.from("original bytes"));
    }));

  test("the read cache counts what an entry costs beside its bytes, and keeps a small body in memory of its own", async () => {
    const state = openState({ inMemory: true });
    const root = mkdtempSync(join(tmpdir(), "nimbus-blob-cache-"));
    try {
      // 64 KiB: 1,000 blobs of 16 bytes are 16 KB of bytes, but ~400 KB in memory.
      const blobs = new DiskBlobStore(state.db, root, INLINE_BLOB_BYTES, 64 * 1024);
      const put = async (text: string): Promise<string> => {
        const blob = await blobs.put(Buffer.from(text));
        state.transaction(() => blobs.retain(blob.id));
        return blob.id;
      };
      const first = await put("tiny blob 000000");
      const cached = blobs.read(first, 16) as Buffer;
      // Not a slice of an 8 KiB pool that the cache would keep whole.
      assert.deepEqual([cached.length, cached.buffer.byteLength], [16, 16]);
      for (let i = 1; i < 1000; i++) await put(`tiny blob ${String(i).padStart(6, "0")}`);
      const again = blobs.read(first, 16) as Buffer;
      assert.deepEqual(again, Buffer.from("tiny blob 000000"));
      assert.notEqual(again, cached, "pushed out of the cache: read again from its row");
    } finally {
      state.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("a small read comes from the file when it is not cached, and a released blob leaves the cache with its file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nimbus-blob-cache-"));
    try {
      const first = openState({ inMemory: false, dataDir: dir, inlineBlobBytes: 0 });
      const put = await putRetained(first, Buffer.from("kept across a restart"));
      first.close();
      const state = openState({ inMemory: false, dataDir: dir, inlineBlobBytes: 0 });
      assert.deepEqual(state.blobs.read(put.id, 21), Buffer.from("kept across a restart"));
      state.transaction(() => state.blobs.release(put.id));
      assert.equal(state.blobs.has(put.id), false);
      assert.throws(() => state.blobs.read(put.id, 21), BlobNotFoundError);
      state.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("blob store composed blobs", () => {
  /** Three parts of distinct bytes, put and retained (as an upload holds its parts). */
  async function parts(state: StateLayer): Promise<{ bytes: Buffer; parts: { id: string; size: number }[] }> {
    const chunks = [Buffer.alloc(300_000, 1), Buffer.alloc(200_000, 2), Buffer.from("tail bytes")];
    const blobs: { id: string; size: number }[] = [];
    for (const chunk of chunks) blobs.push(await state.blobs.put(Readable.from([chunk]), { id: "unique" }));
    state.transaction(() => {
      for (const blob of blobs) state.blobs.retain(blob.id);
    });
    return { bytes: Buffer.concat(chunks), parts: blobs.map((b) => ({ id: b.id, size: b.size })) };
  }

  function compose(state: StateLayer, list: { id: string; size: number }[]): string {
    return state.transaction(() => {
      const blob = state.blobs.compose(list);
      state.blobs.retain(blob.id);
      return blob.id;
    });
  }

  test("reads as the concatenation of its parts, whole and in ranges across their edges, without a file of its own", () =>
    withState(async (state) => {
      const { bytes, parts: list } = await parts(state);
      const before = blobFiles(state.blobs.root);
      const id = compose(state, list);
      assert.deepEqual(blobFiles(state.blobs.root), before);
      assert.equal(state.blobs.size(id), bytes.length);
      assert.equal(state.blobs.has(id), true);
      assert.deepEqual(await readAll(state.blobs.get(id)), bytes);
      assert.deepEqual(await readAll(state.blobs.read(id, bytes.length) as Readable), bytes);
      for (const [start, end] of [
        [0, 0],
        [299_999, 300_000],
        [299_990, 500_005],
        [500_000, 500_009],
        [450_000, 10_000_000],
      ] as const) {
        assert.deepEqual(await readAll(state.blobs.get(id, { start, end })), bytes.subarray(start, end + 1), `${start}-${end}`);
      }
      assert.equal(state.blobs.refs(list[0]?.id ?? ""), 2);
    }));

  test("one part is that part; compose outside a transaction is refused", () =>
    withState(async (state) => {
      const { parts: list } = await parts(state);
      const only = list.slice(0, 1);
      assert.equal(compose(state, only), only[0]?.id);
      assert.throws(() => state.blobs.compose(list), /inside the transaction/);
    }));

  test("its parts' files go only when neither it nor the upload holds them", () =>
    withState(async (state) => {
      const { parts: list } = await parts(state);
      const id = compose(state, list);
      // The upload lets go of its parts (CompleteMultipartUpload): the composed blob still holds them.
      state.transaction(() => {
        for (const part of list) state.blobs.release(part.id);
      });
      assert.equal(blobFiles(state.blobs.root).length, 3);
      state.transaction(() => state.blobs.release(id));
      assert.deepEqual(blobFiles(state.blobs.root), []);
      assert.equal(state.blobs.has(id), false);
      assert.throws(() => state.blobs.get(id), BlobNotFoundError);
    }));

  test("a rolled-back compose leaves no parts list and no extra reference", () =>
    withState(async (state) => {
      const { parts: list } = await parts(state);
      let composed = "";
      assert.throws(() =>
        state.transaction(() => {
          composed = state.blobs.compose(list).id;
          state.blobs.retain(composed);
          throw new Error("rolled back");
        }),
      );
      assert.equal(state.blobs.has(composed), false);
      assert.deepEqual(list.map((p) => state.blobs.refs(p.id)), [1, 1, 1]);
    }));

  test("a composition its transaction does not retain lets go of its parts when the transaction ends", () =>
    withState(async (state) => {
      const { parts: list } = await parts(state);
      // A CompleteMultipartUpload refused after composing (If-None-Match: * on a key that exists), of one part and of three.
      for (const composed of [list.slice(0, 1), list]) {
        assert.throws(() =>
          state.transaction(() => {
            state.blobs.compose(composed);
            throw new Error("precondition failed");
          }),
        );
      }
      // The upload is aborted: the parts' last references go, and their files with them.
      state.transaction(() => {
        for (const part of list) state.blobs.release(part.id);
      });
      assert.deepEqual(blobFiles(state.blobs.root), []);
      const swept = await state.blobs.sweep();
      assert.equal(swept.removedBlobs, 0);
    }));

  test("a read that has started keeps the parts until it closes, though the blob is released meanwhile", () =>
    withState(async (state) => {
      const { bytes, parts: list } = await parts(state);
      const id = compose(state, list);
      const reading = state.blobs.get(id);
      state.transaction(() => {
        state.blobs.release(id);
        for (const part of list) state.blobs.release(part.id);
      });
      assert.equal(blobFiles(state.blobs.root).length, 3);
      assert.deepEqual(await readAll(reading), bytes);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(blobFiles(state.blobs.root), []);
    }));

  test("a sweep keeps the parts a composed blob holds, and finds nothing missing", () =>
    withState(async (state) => {
      const { parts: list } = await parts(state);
      compose(state, list);
      state.transaction(() => {
        for (const part of list) state.blobs.release(part.id);
      });
      const swept = await state.blobs.sweep({ checkMissing: true });
      assert.equal(swept.removedBlobs, 0);
      assert.deepEqual(swept.missing, []);
      assert.equal(blobFiles(state.blobs.root).length, 3);
    }));
});

describe("blob store sweep", () => {
  test("removes stale temp files and unreferenced blobs after a restart, keeps referenced ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nimbus-blob-test-"));
    try {
      let state = openState({ dataDir: dir, inMemory: false, inlineBlobBytes: 0 });
      const kept = await state.blobs.put(Buffer.from("committed"));
      state.transaction(() => state.blobs.retain(kept.id));
      const orphan = await state.blobs.put(Buffer.from("put but never committed"));
      const lost = await state.blobs.put(Buffer.from("damaged outside nimbus"));
      state.transaction(() => state.blobs.retain(lost.id));
      writeFileSync(join(state.blobs.root, "tmp", "crashed-put.part"), "half a body");
      state.close();
      unlinkSync(join(dir, "blobs", lost.id.slice(0, 2), lost.id.slice(2, 4), lost.id));

      state = openState({ dataDir: dir, inMemory: false, inlineBlobBytes: 0 });
      const result = await state.blobs.sweep({ checkMissing: true });
      assert.deepEqual(result, { removedBlobs: 1, removedTemp: 1, missing: [lost.id] });
      assert.equal(state.blobs.has(orphan.id), false);
      assert.deepEqual(await readAll(state.blobs.get(kept.id)), Buffer.from("committed"));
      assert.deepEqual(tempFiles(state.blobs.root), []);
      assert.deepEqual(await state.blobs.sweep(), { removedBlobs: 0, removedTemp: 0, missing: [] });
      state.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a sweep while puts are in flight or not yet retained leaves them alone", () =>
    withState(async (state) => {
      const pending = await state.blobs.put(Buffer.from("pinned, not yet retained"));
      const source = new Readable({ read() {} });
      const inFlight = state.blobs.put(source);
      source.push(Buffer.from("streaming..."));
      // The temp file appears once the write stream's open completes on the thread pool.
      for (let turn = 0; turn < 10_000 && tempFiles(state.blobs.root).length === 0; turn++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      assert.equal(tempFiles(state.blobs.root).length, 1);
      const result = await state.blobs.sweep();
      assert.deepEqual(result, { removedBlobs: 0, removedTemp: 0, missing: [] });
      source.push(null);
      const done = await inFlight;
      assert.equal(done.id, sha256("streaming..."));
      assert.equal(state.blobs.has(pending.id), true);
      state.transaction(() => {
        state.blobs.retain(pending.id);
        state.blobs.retain(done.id);
      });
    }));
});

describe("blob store memory", () => {
  test("streams a large body with flat memory", () =>
    withState(async (state) => {
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      const chunkSize = 64 * 1024;
      const chunks = 4096; // 256 MiB; the limit below is an eighth of that
      const expected = createHash("sha256");
      gc();
      const baseline = process.memoryUsage();
      let peak = 0;
      async function* body() {
        for (let i = 0; i < chunks; i++) {
          const chunk = Buffer.allocUnsafe(chunkSize).fill(i & 0xff);
          expected.update(chunk);
          if (i % 256 === 0) {
            gc();
            const now = process.memoryUsage();
            peak = Math.max(peak, now.arrayBuffers - baseline.arrayBuffers + (now.heapUsed - baseline.heapUsed));
          }
          yield chunk;
        }
      }
      const blob = await state.blobs.put(body());
      assert.equal(blob.size, chunkSize * chunks);
      assert.equal(blob.id, expected.digest("hex"));
      assert.equal(state.blobs.size(blob.id), chunkSize * chunks);
      assert.ok(peak < 32 * 1024 * 1024, `memory grew by ${peak} bytes while streaming`);
      assert.equal(existsSync(state.blobs.path(blob.id)), true);
    }));
});

describe("blob store inline blobs", () => {
  const dataRows = (state: StateLayer): number => (state.db.prepare("SELECT count(*) AS n FROM _blob_data").get() as { n: number }).n;

  async function withInline(fn: (state: StateLayer) => Promise<void>): Promise<void> {
    const state = openState({ inMemory: true });
    try {
      await fn(state);
    } finally {
      state.close();
    }
  }

  test("a small put has no file: its bytes are read from the put until it is retained, then from its row, which the last release deletes", () =>
    withInline(async (state) => {
      const body = Buffer.alloc(INLINE_BLOB_BYTES, 7);
      const blob = await state.blobs.put(body, { hashes: ["md5"] });
      assert.equal(blob.id, sha256(body));
      assert.deepEqual(blobFiles(state.blobs.root), []);
      assert.equal(dataRows(state), 0);
      assert.equal(state.blobs.has(blob.id), true);
      assert.equal(state.blobs.size(blob.id), body.length);
      assert.deepEqual(await readAll(state.blobs.get(blob.id, { start: 1, end: 3 })), body.subarray(1, 4));
      state.transaction(() => state.blobs.retain(blob.id));
      assert.equal(dataRows(state), 1);
      // A second reference writes nothing more; the file system is never touched.
      const again = await state.blobs.put(Buffer.from(body));
      state.transaction(() => state.blobs.retain(again.id));
      assert.deepEqual([state.blobs.refs(blob.id), dataRows(state)], [2, 1]);
      assert.deepEqual(await readAll(state.blobs.get(blob.id)), body);
      assert.deepEqual(state.blobs.read(blob.id, body.length, { start: 10, end: 20 }), body.subarray(10, 21));
      state.transaction(() => state.blobs.release(blob.id));
      assert.equal(dataRows(state), 1);
      state.transaction(() => state.blobs.release(blob.id));
      assert.deepEqual([state.blobs.has(blob.id), dataRows(state)], [false, 0]);
      assert.throws(() => state.blobs.get(blob.id), BlobNotFoundError);
      assert.deepEqual(blobFiles(state.blobs.root), []);
      // One byte more is a file.
      const large = await state.blobs.put(Buffer.alloc(INLINE_BLOB_BYTES + 1, 8));
      assert.deepEqual(blobFiles(state.blobs.root), [large.id]);
    }));

  test("a rolled-back retain writes no row, abandon leaves nothing, and a read begun before a release is not cut short", () =>
    withInline(async (state) => {
      const rolled = await state.blobs.put(Buffer.from("rolled back"));
      assert.throws(() =>
        state.transaction(() => {
          state.blobs.retain(rolled.id);
          throw new Error("rolled back");
        }),
      );
      assert.deepEqual([state.blobs.has(rolled.id), dataRows(state)], [false, 0]);
      const abandoned = await state.blobs.put(Buffer.from("abandoned"));
      state.blobs.abandon(abandoned.id);
      assert.equal(state.blobs.has(abandoned.id), false);
      const kept = await state.blobs.put(Buffer.from("read while released"));
      state.transaction(() => state.blobs.retain(kept.id));
      const reading = state.blobs.get(kept.id);
      state.transaction(() => state.blobs.release(kept.id));
      assert.deepEqual(await readAll(reading), Buffer.from("read while released"));
    }));

  test("a released inline blob leaves the read cache with its row", () =>
    withInline(async (state) => {
      const body = Buffer.from("cached, then deleted");
      const blob = await state.blobs.put(body);
      state.transaction(() => state.blobs.retain(blob.id));
      assert.deepEqual(state.blobs.read(blob.id, body.length), body);
      state.transaction(() => state.blobs.release(blob.id));
      assert.equal(dataRows(state), 0);
      // Not answered from memory: the bytes of deleted objects no longer fill the 64 MiB cache.
      assert.throws(() => state.blobs.read(blob.id, body.length), BlobNotFoundError);
    }));

  test("a put not yet retained survives the release of the same bytes' last reference", () =>
    withInline(async (state) => {
      const first = await state.blobs.put(Buffer.from("shared bytes"));
      state.transaction(() => state.blobs.retain(first.id));
      const second = await state.blobs.put(Buffer.from("shared bytes"));
      state.transaction(() => state.blobs.release(first.id));
      assert.equal(dataRows(state), 0);
      state.transaction(() => state.blobs.retain(second.id));
      assert.deepEqual(await readAll(state.blobs.get(second.id)), Buffer.from("shared bytes"));
      assert.equal(dataRows(state), 1);
    }));

  test("a composed blob reads an inline last part from its row, also part by part", () =>
    withInline(async (state) => {
      const chunks = [Buffer.alloc(300_000, 1), Buffer.from("tail bytes")];
      const parts = [await state.blobs.put(Readable.from([chunks[0] as Buffer]), { id: "unique" }), await state.blobs.put(chunks[1] as Buffer)];
      const id = state.transaction(() => {
        for (const part of parts) state.blobs.retain(part.id);
        const blob = state.blobs.compose(parts);
        state.blobs.retain(blob.id);
        return blob.id;
      });
      const bytes = Buffer.concat(chunks);
      assert.deepEqual(await readAll(state.blobs.get(id)), bytes);
      assert.deepEqual(await readAll(state.blobs.get(id, { start: 299_995, end: 300_004 })), bytes.subarray(299_995, 300_005));
      const composed = state.blobs.get(id, { start: 299_998, end: 300_003 }) as ComposedStream;
      const pieces = [...composed.files()];
      assert.deepEqual(pieces.at(-1), Buffer.from("tail"));
      for (const piece of pieces) if (!Buffer.isBuffer(piece)) piece.destroy();
      composed.destroy();
    }));

  test("inline blobs persist across a restart, and small files of an older data dir are still read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nimbus-blob-inline-"));
    try {
      const older = openState({ inMemory: false, dataDir: dir, inlineBlobBytes: 0 });
      const file = await putRetained(older, Buffer.from("a file from before inline blobs"));
      older.close();
      const first = openState({ inMemory: false, dataDir: dir });
      const inline = await putRetained(first, Buffer.from("kept in the database"));
      first.close();
      const state = openState({ inMemory: false, dataDir: dir });
      assert.deepEqual(await state.blobs.sweep({ checkMissing: true }), { removedBlobs: 0, removedTemp: 0, missing: [] });
      assert.deepEqual(state.blobs.read(inline.id, 20), Buffer.from("kept in the database"));
      assert.deepEqual(state.blobs.read(file.id, 30), Buffer.from("a file from before inline blobs"));
      assert.deepEqual(blobFiles(state.blobs.root), [file.id]);
      state.transaction(() => state.blobs.release(file.id));
      assert.deepEqual(blobFiles(state.blobs.root), []);
      state.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
