import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { FormDataError, FormDataReader, FormFieldTooLarge, formDataBoundary, parseContentDisposition } from "./form-data.js";

const BOUNDARY = "----NimbusBoundary7MA4YWxkTrZu0gW";

function form(parts: { name: string; value: Buffer | string; filename?: string; type?: string }[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += "\r\n";
    if (part.type) head += `Content-Type: ${part.type}\r\n`;
    chunks.push(Buffer.from(head + "\r\n"), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The body cut into pieces of `size` bytes, as a network would deliver it. */
async function* pieces(body: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

async function readAll(reader: FormDataReader): Promise<{ name: string; filename?: string; contentType?: string; body: Buffer }[]> {
  const out: { name: string; filename?: string; contentType?: string; body: Buffer }[] = [];
  for (let part = await reader.next(); part; part = await reader.next()) {
    const chunks: Buffer[] = [];
    for await (const chunk of reader.body()) chunks.push(chunk);
    out.push({ ...part, body: Buffer.concat(chunks) });
  }
  return out;
}

describe("formDataBoundary", () => {
  test("reads the boundary parameter, quoted or not, of multipart/form-data only", () => {
    assert.equal(formDataBoundary("multipart/form-data; boundary=abc"), "abc");
    assert.equal(formDataBoundary('Multipart/Form-Data; charset=utf-8; boundary="a;b c"'), "a;b c");
    assert.equal(formDataBoundary("multipart/mixed; boundary=abc"), undefined);
    assert.equal(formDataBoundary("multipart/form-data"), undefined);
    assert.equal(formDataBoundary(`multipart/form-data; boundary=${"x".repeat(71)}`), undefined);
    assert.equal(formDataBoundary(undefined), undefined);
  });
});

describe("parseContentDisposition", () => {
  test("quoted parameters with escapes, and filename* over filename", () => {
    assert.deepEqual(parseContentDisposition('form-data; name="a\\"b"; filename="x;y.txt"'), { type: "form-data", params: { name: 'a"b', filename: "x;y.txt" } });
    assert.equal(parseContentDisposition("form-data; name=file; filename*=UTF-8''na%C3%AFve.txt; filename=\"naive.txt\"").params["filename"], "naïve.txt");
  });
});

describe("FormDataReader", () => {
  const file = randomBytes(200_000);
  const body = form([
    { name: "key", value: "uploads/${filename}" },
    { name: "x-amz-meta-note", value: "héllo" },
    { name: "file", value: file, filename: "photo.jpg", type: "image/jpeg" },
  ]);

  for (const size of [1, 7, 65_536, body.length]) {
    test(`parts come out whole whatever the chunking (${size}-byte chunks)`, async () => {
      const parts = await readAll(new FormDataReader(pieces(body, size), BOUNDARY));
      assert.deepEqual(parts.map((p) => [p.name, p.filename, p.contentType]), [
        ["key", undefined, undefined],
        ["x-amz-meta-note", undefined, undefined],
        ["file", "photo.jpg", "image/jpeg"],
      ]);
      assert.equal(parts[0]?.body.toString(), "uploads/${filename}");
      assert.equal(parts[1]?.body.toString("utf8"), "héllo");
      assert.ok(parts[2]?.body.equals(file));
    });
  }

  test("a file containing near-delimiters (CRLF, dashes, a boundary prefix) is kept intact", async () => {
    const tricky = Buffer.from(`a\r\n--${BOUNDARY.slice(0, -1)}\r\n--\r\n-${BOUNDARY}`);
    const parts = await readAll(new FormDataReader(pieces(form([{ name: "file", value: tricky, filename: "t" }]), 3), BOUNDARY));
    assert.ok(parts[0]?.body.equals(tricky));
  });

  test("file chunks stream out before the body ends", async () => {
    let delivered = 0;
    const big = randomBytes(1_000_000);
    const whole = form([{ name: "file", value: big, filename: "big.bin" }]);
    async function* tracked(): AsyncGenerator<Buffer> {
      for (let i = 0; i < whole.length; i += 65_536) {
        delivered = i + 65_536;
        yield whole.subarray(i, i + 65_536);
      }
    }
    const reader = new FormDataReader(tracked(), BOUNDARY);
    await reader.next();
    const iterator = reader.body();
    const first = await iterator.next();
    assert.ok(!first.done && first.value.length > 0);
    assert.ok(delivered < whole.length, "the first chunk came before the whole body was read");
    let total = first.done ? 0 : first.value.length;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) total += r.value.length;
    assert.equal(total, big.length);
  });

  test("text() reads a field and refuses one over its limit", async () => {
    const reader = new FormDataReader(pieces(form([{ name: "a", value: "12345" }, { name: "b", value: "x".repeat(100) }]), 10), BOUNDARY);
    await reader.next();
    assert.equal(await reader.text(5), "12345");
    await reader.next();
    await assert.rejects(reader.text(99), FormFieldTooLarge);
  });

  test("next() skips a part that was not read; preamble and epilogue are ignored", async () => {
    const raw = Buffer.concat([Buffer.from("preamble text\r\n"), form([{ name: "a", value: "skip me" }, { name: "b", value: "kept" }]), Buffer.from("epilogue")]);
    const reader = new FormDataReader(pieces(raw, 4), BOUNDARY);
    assert.equal((await reader.next())?.name, "a");
    assert.equal((await reader.next())?.name, "b");
    assert.equal(await reader.text(100), "kept");
    assert.equal(await reader.next(), undefined);
    assert.equal(await reader.next(), undefined);
  });

  test("an empty file part and an empty form", async () => {
    const parts = await readAll(new FormDataReader(pieces(form([{ name: "file", value: "", filename: "" }]), 5), BOUNDARY));
    assert.equal(parts.length, 1);
    assert.equal(parts[0]?.filename, "");
    assert.equal(parts[0]?.body.length, 0);
    assert.deepEqual(await readAll(new FormDataReader(pieces(Buffer.from(`--${BOUNDARY}--\r\n`), 5), BOUNDARY)), []);
  });

  test("drain() consumes the rest of the body", async () => {
    let ended = false;
    async function* source(): AsyncGenerator<Buffer> {
      yield* pieces(form([{ name: "file", value: "data", filename: "f" }, { name: "after", value: "ignored" }]), 6);
      ended = true;
    }
    const reader = new FormDataReader(source(), BOUNDARY);
    await reader.next();
    await reader.drain();
    assert.equal(ended, true);
    assert.equal(await reader.next(), undefined);
  });

  const malformed: [string, Buffer][] = [
    ["no boundary at all", Buffer.from("just some text")],
    ["a body cut inside a part", form([{ name: "a", value: "x" }]).subarray(0, 60)],
    ["a part without Content-Disposition", Buffer.from(`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${BOUNDARY}--`)],
    ["a part without headers", Buffer.from(`--${BOUNDARY}\r\n\r\nx\r\n--${BOUNDARY}--`)],
    ["a disposition that is not form-data", Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n--${BOUNDARY}--`)],
    ["garbage after a boundary", Buffer.from(`--${BOUNDARY}xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--${BOUNDARY}--`)],
    ["headers that never end", Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\nX: ${"y".repeat(20_000)}`)],
  ];
  for (const [what, raw] of malformed) {
    test(`FormDataError for ${what}`, async () => {
      await assert.rejects(readAll(new FormDataReader(pieces(raw, 8), BOUNDARY)), FormDataError);
    });
  }
});
