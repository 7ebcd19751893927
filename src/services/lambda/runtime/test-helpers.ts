/** Shared by the runtime tests: build deployment packages in memory, as a client would upload. */
import { readFileSync } from "node:fs";
import yazl from "yazl";

export type ZipSpec = Record<string, string | Buffer | { data: string | Buffer; mode: number }>;

export function makeZip(files: ZipSpec): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, spec] of Object.entries(files)) {
    if (typeof spec === "string" || Buffer.isBuffer(spec)) {
      zip.addBuffer(Buffer.from(spec), name, { mode: 0o100644 });
    } else {
      zip.addBuffer(Buffer.from(spec.data), name, { mode: spec.mode });
    }
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

/** Overwrites the uncompressed size recorded for the first entry in the central directory. */
export function patchCentralDirectorySize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cdOffset = out.readUInt32LE(eocd + 16);
  out.writeUInt32LE(size, cdOffset + 24);
  return out;
}

/** Replaces every occurrence of an entry name with another of the same byte length. */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error("names must have the same length");
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  for (let i = out.indexOf(needle); i !== -1; i = out.indexOf(needle, i + 1)) Buffer.from(to).copy(out, i);
  return out;
}

/** True when the process no longer exists (a zombie awaiting its reaper counts as gone). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true;
  }
}

/** Polls `condition` until it holds or `limitMs` passes (a bounded wait for an outside event). */
export async function waitUntil(condition: () => boolean, limitMs = 10_000): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < limitMs; await new Promise((r) => setTimeout(r, 10))) {
    if (condition()) return true;
  }
  return condition();
}
