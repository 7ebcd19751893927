/**
 * A streaming multipart/form-data reader (RFC 7578) for S3's browser-form POST uploads. The
 * parts before the file are small fields, read whole (bounded); the file part is handed out as
 * a stream of chunks read straight off the request, so an upload of any size holds no more
 * than one network chunk plus a delimiter's length in memory.
 *
 * It is a pull reader over one request body: `next()` moves to the next part's headers
 * (skipping whatever of the current part was not read), `text()` or `body()` reads the part.
 * Only one of them may run at a time, which the POST handler's sequential use guarantees.
 */

/** Anything not multipart/form-data as RFC 7578 frames it. */
export class FormDataError extends Error {
  override readonly name = "FormDataError";
}

/** A field's value was larger than the caller allows. */
export class FormFieldTooLarge extends Error {
  override readonly name = "FormFieldTooLarge";
}

export interface FormPartHeaders {
  /** The `name` parameter of Content-Disposition. */
  readonly name: string;
  /** The `filename` parameter, when the part is a file (possibly empty). */
  readonly filename?: string;
  /** The part's own Content-Type header. */
  readonly contentType?: string;
}

/** Header block of a part: browsers send a few short lines; anything longer is not a form. */
const MAX_PART_HEADER_BYTES = 16 * 1024;

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

/** The boundary of a `multipart/form-data; boundary=...` Content-Type; undefined for any other type. */
export function formDataBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const [type = "", ...params] = splitParams(contentType);
  if (type.trim().toLowerCase() !== "multipart/form-data") return undefined;
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== "boundary") continue;
    const boundary = unquote(param.slice(eq + 1).trim());
    // RFC 2046: 1 to 70 characters.
    return boundary.length >= 1 && boundary.length <= 70 ? boundary : undefined;
  }
  return undefined;
}

/** Splits a header value on `;` outside quoted strings. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (quoted && c === "\\" && i + 1 < value.length) {
      current += c + (value[i + 1] as string);
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ";" && !quoted) {
      out.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  out.push(current);
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, "$1");
  return value;
}

/** Content-Disposition: form-data; name="..."; filename="..." (filename* per RFC 5987 wins). */
export function parseContentDisposition(value: string): { type: string; params: Record<string, string> } {
  const [type = "", ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const param of rest) {
    const eq = param.indexOf("=");
    if (eq === -1) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    const raw = param.slice(eq + 1).trim();
    if (key.endsWith("*")) {
      const match = /^([^']*)'[^']*'(.*)$/.exec(raw);
      if (match) {
        try {
          params[key.slice(0, -1)] = decodeURIComponent(match[2] ?? "");
        } catch {
          // A malformed extended value is ignored; the plain parameter (if any) stands.
        }
      }
      continue;
    }
    if (!(key in params)) params[key] = unquote(raw);
  }
  return { type: type.trim().toLowerCase(), params };
}

function parseHeaderBlock(block: string): FormPartHeaders {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new FormDataError(`malformed part header line: ${line.slice(0, 80)}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition");
  if (disposition === undefined) throw new FormDataError("part without Content-Disposition");
  const { type, params } = parseContentDisposition(disposition);
  if (type !== "form-data" || params["name"] === undefined) throw new FormDataError("part is not a named form-data part");
  const contentType = headers.get("content-type");
  return {
    name: params["name"],
    ...(params["filename"] !== undefined ? { filename: params["filename"] } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  };
}

type State = "preamble" | "headers" | "body" | "end";

export class FormDataReader {
  private readonly delimiter: Buffer;
  private readonly source: AsyncIterator<Uint8Array>;
  // The body is read as if it started with CRLF, so the first boundary line is found by the same
  // search as every later one ("\r\n--boundary").
  private buffer: Buffer = Buffer.from(CRLF);
  private state: State = "preamble";
  private sourceDone = false;

  constructor(source: AsyncIterable<Uint8Array>, boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, "latin1");
    this.source = source[Symbol.asyncIterator]();
  }

  /** The next part's headers, or undefined after the closing boundary. */
  async next(): Promise<FormPartHeaders | undefined> {
    if (this.state === "preamble" || this.state === "body") await this.skipToDelimiter();
    if (this.state === "end") return undefined;
    // After a delimiter: "--" closes the body, otherwise (optional padding) CRLF and headers.
    await this.fill(2);
    if (this.buffer.subarray(0, 2).toString("latin1") === "--") {
      this.state = "end";
      return undefined;
    }
    let lineEnd = await this.find(CRLF, MAX_PART_HEADER_BYTES);
    // RFC 2046 allows linear whitespace after the boundary before the CRLF.
    if (!/^[ \t]*$/.test(this.buffer.subarray(0, lineEnd).toString("latin1"))) throw new FormDataError("garbage after boundary");
    this.buffer = this.buffer.subarray(lineEnd + CRLF.length);
    // A part may have no headers at all (then the block is empty and CRLF follows at once).
    if (await this.startsWith(CRLF)) throw new FormDataError("part without Content-Disposition");
    lineEnd = await this.find(HEADER_END, MAX_PART_HEADER_BYTES);
    const block = this.buffer.subarray(0, lineEnd).toString("utf8");
    this.buffer = this.buffer.subarray(lineEnd + HEADER_END.length);
    this.state = "body";
    return parseHeaderBlock(block);
  }

  /** The current part's body as UTF-8 text; FormFieldTooLarge past `limit` bytes. */
  async text(limit: number): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.body()) {
      size += chunk.length;
      if (size > limit) throw new FormFieldTooLarge(`field larger than ${limit} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  /** The current part's body, chunk by chunk as it arrives. */
  async *body(): AsyncGenerator<Buffer> {
    if (this.state !== "body") return;
    const keep = this.delimiter.length - 1;
    for (;;) {
      const at = this.buffer.indexOf(this.delimiter);
      if (at !== -1) {
        const data = this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + this.delimiter.length);
        this.state = "headers";
        if (data.length > 0) yield data;
        return;
      }
      // Everything but a tail that could be the start of the delimiter is part data.
      if (this.buffer.length > keep) {
        const data = this.buffer.subarray(0, this.buffer.length - keep);
        this.buffer = this.buffer.subarray(this.buffer.length - keep);
        yield data;
      }
      if (!(await this.pull())) throw new FormDataError("body ended inside a part");
    }
  }

  /** Reads and discards the rest of the request body (S3 ignores fields after the file). */
  async drain(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    while (await this.pull()) this.buffer = Buffer.alloc(0);
    this.state = "end";
  }

  private async skipToDelimiter(): Promise<void> {
    const keep = this.delimiter.length - 1;
    for (;;) {
      const at = this.buffer.indexOf(this.delimiter);
      if (at !== -1) {
        this.buffer = this.buffer.subarray(at + this.delimiter.length);
        this.state = "headers";
        return;
      }
      if (this.buffer.length > keep) this.buffer = this.buffer.subarray(this.buffer.length - keep);
      if (!(await this.pull())) throw new FormDataError(this.state === "preamble" ? "no boundary in body" : "body ended inside a part");
    }
  }

  /** Index of `needle` in the buffer, reading more as needed, within `limit` bytes. */
  private async find(needle: Buffer, limit: number): Promise<number> {
    for (;;) {
      const at = this.buffer.indexOf(needle);
      if (at !== -1 && at <= limit) return at;
      if (this.buffer.length > limit + needle.length) throw new FormDataError("part header too long");
      if (!(await this.pull())) throw new FormDataError("body ended inside part headers");
    }
  }

  private async startsWith(prefix: Buffer): Promise<boolean> {
    await this.fill(prefix.length);
    return this.buffer.subarray(0, prefix.length).equals(prefix);
  }

  private async fill(bytes: number): Promise<void> {
    while (this.buffer.length < bytes) {
      if (!(await this.pull())) throw new FormDataError("body ended after a boundary");
    }
  }

  private async pull(): Promise<boolean> {
    if (this.sourceDone) return false;
    const { value, done } = await this.source.next();
    if (done) {
      this.sourceDone = true;
      return false;
    }
    const chunk = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    return true;
  }
}
