import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createReadStream, fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { isFileStream, sendFile } from "./file-body.js";

/** A Writable that keeps copies of what it was given (the sender reuses its buffers). */
function collector(options: { failAfter?: number } = {}): Writable & { bytes(): Buffer; writes: number } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.writes++;
      chunks.push(Buffer.from(chunk));
      if (options.failAfter !== undefined && out.writes >= options.failAfter) callback(new Error("client went away"));
      else setImmediate(callback);
    },
  }) as Writable & { bytes(): Buffer; writes: number };
  out.writes = 0;
  out.bytes = () => Buffer.concat(chunks);
  return out;
}

function withFile(size: number): { path: string; data: Buffer; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-file-body-"));
  const path = join(dir, "blob");
  const data = randomBytes(size);
  writeFileSync(path, data);
  return { path, data, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test("sendFile: the whole file and byte ranges, across several 1 MiB chunks, then the descriptor is closed", async () => {
  const { path, data, cleanup } = withFile(3 * 1024 * 1024 + 12345);
  try {
    for (const range of [undefined, { start: 0, end: 0 }, { start: 1000, end: 2_500_000 }, { start: data.length - 10, end: data.length + 100 }]) {
      const fd = openSync(path, "r");
      const stream = createReadStream(path, range ? { fd, start: range.start, end: range.end } : { fd });
      assert.equal(isFileStream(stream), true);
      const out = collector();
      const finished = new Promise((resolve) => out.once("finish", resolve));
      await sendFile(stream as typeof stream & { fd: number }, out);
      await finished;
      const expected = range ? data.subarray(range.start, Math.min(range.end, data.length - 1) + 1) : data;
      assert.equal(out.bytes().equals(expected), true, `range ${JSON.stringify(range)}`);
      await new Promise((resolve) => (stream.closed ? resolve(undefined) : stream.once("close", () => resolve(undefined))));
      assert.throws(() => fstatSync(fd), { code: "EBADF" });
    }
  } finally {
    cleanup();
  }
});

test("sendFile: a destination that fails stops the reads and still closes the descriptor", async () => {
  const { path, cleanup } = withFile(8 * 1024 * 1024);
  try {
    const fd = openSync(path, "r");
    const stream = createReadStream(path, { fd });
    const out = collector({ failAfter: 2 });
    out.on("error", () => undefined);
    await sendFile(stream as typeof stream & { fd: number }, out);
    assert.ok(out.writes <= 3, `${out.writes} writes after the failure`);
    await new Promise((resolve) => (stream.closed ? resolve(undefined) : stream.once("close", () => resolve(undefined))));
    assert.throws(() => fstatSync(fd), { code: "EBADF" });
  } finally {
    cleanup();
  }
});

test("isFileStream: only an unread fs.ReadStream over an open descriptor", async () => {
  const { path, cleanup } = withFile(10);
  try {
    assert.equal(isFileStream(Readable.from([Buffer.from("x")])), false);
    assert.equal(isFileStream(Buffer.from("x")), false);
    const byPath = createReadStream(path);
    assert.equal(isFileStream(byPath), false, "not opened yet: no descriptor");
    await new Promise((resolve) => byPath.once("open", resolve));
    byPath.read();
    await new Promise((resolve) => byPath.once("readable", () => resolve(undefined)));
    byPath.read();
    assert.equal(isFileStream(byPath), false, "already read from");
    await new Promise((resolve) => byPath.destroy().once("close", () => resolve(undefined)));
  } finally {
    cleanup();
  }
});
