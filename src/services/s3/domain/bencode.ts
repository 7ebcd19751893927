/**
 * Bencoding, the serialization of BitTorrent metainfo (BEP 3): integers `i<n>e`, byte strings
 * `<length>:<bytes>`, lists `l...e` and dictionaries `d...e` whose keys are byte strings sorted
 * as raw bytes. S3's GetObjectTorrent answers "a Bencoded dictionary as defined by the
 * BitTorrent specification"; the decoder is the strict reading of the same grammar, for tests
 * and for anyone who wants to look inside a .torrent.
 */

/** What can be encoded: text is written as its UTF-8 bytes. */
export type BencodeValue = number | bigint | string | Uint8Array | readonly BencodeValue[] | { readonly [key: string]: BencodeValue };

/** What decoding gives: every byte string as bytes (pieces are binary), dictionary keys as UTF-8 text. */
export type BencodeDecoded = number | Buffer | BencodeDecoded[] | { [key: string]: BencodeDecoded };

export function encodeBencode(value: BencodeValue): Buffer {
  const out: Buffer[] = [];
  write(value, out);
  return Buffer.concat(out);
}

function write(value: BencodeValue, out: Buffer[]): void {
  if (typeof value === "number" || typeof value === "bigint") {
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw new RangeError(`bencode integers must be safe integers, not ${value}`);
    out.push(Buffer.from(`i${value}e`));
  } else if (typeof value === "string") {
    writeBytes(Buffer.from(value, "utf8"), out);
  } else if (value instanceof Uint8Array) {
    writeBytes(value, out);
  } else if (Array.isArray(value)) {
    out.push(Buffer.from("l"));
    for (const item of value as readonly BencodeValue[]) write(item, out);
    out.push(Buffer.from("e"));
  } else {
    // BEP 3: "Keys must be strings and appear in sorted order (sorted as raw strings, not alphanumerics)."
    const entries = Object.entries(value as { readonly [key: string]: BencodeValue }).map(([key, item]) => [Buffer.from(key, "utf8"), item] as const);
    entries.sort(([a], [b]) => Buffer.compare(a, b));
    out.push(Buffer.from("d"));
    for (const [key, item] of entries) {
      writeBytes(key, out);
      write(item, out);
    }
    out.push(Buffer.from("e"));
  }
}

function writeBytes(bytes: Uint8Array, out: Buffer[]): void {
  out.push(Buffer.from(`${bytes.length}:`), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export class BencodeError extends Error {}

const DIGITS = /^(0|-?[1-9][0-9]*)$/;

/** Decodes one bencoded value that must fill `data` exactly; throws BencodeError on anything else. */
export function decodeBencode(data: Uint8Array): BencodeDecoded {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const [value, end] = read(bytes, 0);
  if (end !== bytes.length) throw new BencodeError(`trailing data at offset ${end}`);
  return value;
}

function read(bytes: Buffer, at: number): [BencodeDecoded, number] {
  const tag = bytes[at];
  if (tag === undefined) throw new BencodeError(`unexpected end of data at offset ${at}`);
  if (tag === 0x69 /* i */) {
    const end = bytes.indexOf(0x65 /* e */, at + 1);
    const text = end < 0 ? "" : bytes.toString("latin1", at + 1, end);
    // BEP 3: "i-0e is invalid. All encodings with a leading zero, such as i03e, are invalid."
    if (!DIGITS.test(text)) throw new BencodeError(`invalid integer at offset ${at}`);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new BencodeError(`integer out of range at offset ${at}`);
    return [n, end + 1];
  }
  if (tag === 0x6c /* l */) {
    const list: BencodeDecoded[] = [];
    let next = at + 1;
    while (bytes[next] !== 0x65) {
      const [item, after] = read(bytes, next);
      list.push(item);
      next = after;
    }
    return [list, next + 1];
  }
  if (tag === 0x64 /* d */) {
    const dict: { [key: string]: BencodeDecoded } = {};
    let next = at + 1;
    let previous: Buffer | undefined;
    while (bytes[next] !== 0x65) {
      if (bytes[next] === undefined) throw new BencodeError(`unexpected end of data at offset ${next}`);
      const [key, afterKey] = readBytes(bytes, next);
      if (previous !== undefined && Buffer.compare(previous, key) >= 0) throw new BencodeError(`dictionary keys out of order at offset ${next}`);
      const [item, after] = read(bytes, afterKey);
      dict[key.toString("utf8")] = item;
      previous = key;
      next = after;
    }
    return [dict, next + 1];
  }
  return readBytes(bytes, at);
}

function readBytes(bytes: Buffer, at: number): [Buffer, number] {
  const colon = bytes.indexOf(0x3a /* : */, at);
  const text = colon < 0 ? "" : bytes.toString("latin1", at, colon);
  if (!DIGITS.test(text) || text.startsWith("-")) throw new BencodeError(`invalid byte string length at offset ${at}`);
  const start = colon + 1;
  const end = start + Number(text);
  if (end > bytes.length) throw new BencodeError(`byte string at offset ${at} runs past the end`);
  return [bytes.subarray(start, end), end];
}
