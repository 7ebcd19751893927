/**
 * Deployment packages and layer archives: a zip (Buffer) becomes a read-only-by-convention
 * directory named by the archive's SHA-256, so the same code uploaded twice (or published as
 * two versions) is extracted once and shared by every environment that runs it.
 *
 * Layers are extracted the same way, then merged per function into one `/opt`-equivalent
 * directory (`buildOptDir`), because on Lambda all of a function's layers are unpacked into the
 * single `/opt` in order, a later layer overwriting files of an earlier one.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, renameSync } from "node:fs";
import { access, link, copyFile, lstat, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { AwsError } from "../../../core/errors.js";
import { runtimeErrors } from "./errors.js";

/** Lambda's limit on a package's unzipped size, also on function code plus all its layers. */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface ExtractedCode {
  /** Absolute directory holding the extracted files (the `/var/task` or one layer's content). */
  dir: string;
  /** Base64 SHA-256 of the zip bytes: Lambda's `CodeSha256`. */
  codeSha256: string;
  sha256Hex: string;
  /** Zipped size in bytes: Lambda's `CodeSize`. */
  codeSize: number;
  unzippedSize: number;
  /** True when an identical archive had already been extracted. */
  reused: boolean;
}

export interface ExtractOptions {
  maxUnzippedBytes?: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
// versionMadeBy high byte 3 = UNIX: only then do the high 16 bits of the external attributes
// carry a mode (zips made on Windows have none, and Lambda then sees plain 644 files).
const MADE_BY_UNIX = 3;

interface PlannedEntry {
  entry: yauzl.Entry;
  kind: "file" | "dir" | "symlink";
  mode: number;
}

/**
 * Extracts `zip` into `<rootDir>/<sha256 hex>` unless that directory already exists.
 * Throws AWS's InvalidParameterValueException for archives that are not zips, that would
 * write outside their root, or that unzip to 250 MB or more.
 */
export async function extractZip(zip: Buffer, rootDir: string, options: ExtractOptions = {}): Promise<ExtractedCode> {
  const limit = options.maxUnzippedBytes ?? MAX_UNZIPPED_BYTES;
  const sha = createHash("sha256").update(zip).digest();
  const sha256Hex = sha.toString("hex");
  const result = (dir: string, unzippedSize: number, reused: boolean): ExtractedCode => ({
    dir,
    codeSha256: sha.toString("base64"),
    sha256Hex,
    codeSize: zip.length,
    unzippedSize,
    reused,
  });

  const { zipfile, entries, unzippedSize } = await readCentralDirectory(zip);
  if (unzippedSize >= limit) {
    zipfile.close();
    throw runtimeErrors.UnzippedTooLarge({ limit });
  }

  await mkdir(rootDir, { recursive: true });
  await writeScopeBoundary(rootDir);
  const finalDir = join(rootDir, sha256Hex);
  if (await exists(finalDir)) {
    zipfile.close();
    return result(finalDir, unzippedSize, true);
  }

  const tmpDir = join(rootDir, `.tmp-${sha256Hex}-${randomBytes(6).toString("hex")}`);
  await mkdir(tmpDir, { recursive: true });
  try {
    await writeEntries(zipfile, entries, tmpDir);
  } catch (err) {
    await removeTree(tmpDir);
    // A system call that failed (ENOSPC, EROFS, EMFILE) is the host's trouble, not the archive's:
    // it goes up as the service's internal error, which the caller may retry; zip and inflate
    // errors carry no syscall.
    if (err instanceof AwsError || isSystemError(err)) throw err;
    throw runtimeErrors.CorruptZip();
  } finally {
    zipfile.close();
  }
  try {
    await rename(tmpDir, finalDir);
    return result(finalDir, unzippedSize, false);
  } catch (err) {
    // Another extraction of the same archive won the race; its result is identical.
    await removeTree(tmpDir);
    if (await exists(finalDir)) return result(finalDir, unzippedSize, true);
    throw err;
  }
}

/** Lambda's check on CreateFunction/UpdateFunctionConfiguration with layers. */
export function assertCombinedSize(functionUnzipped: number, layersUnzipped: readonly number[], limit = MAX_UNZIPPED_BYTES): void {
  const size = layersUnzipped.reduce((sum, n) => sum + n, functionUnzipped);
  if (size > limit) throw runtimeErrors.CombinedTooLarge({ limit, size });
}

/**
 * Merges extracted layer directories, in order, into `<rootDir>/<key>`: the function's `/opt`.
 * Files are hard-linked (copied across devices), later layers replace earlier files, as the
 * Lambda layer ordering rule says. Returns the same directory for the same ordered layer list.
 */
export async function buildOptDir(layerDirs: readonly string[], rootDir: string): Promise<string> {
  const finalDir = optDirOf(layerDirs, rootDir);
  const key = basename(finalDir);
  if (await exists(finalDir)) return finalDir;
  await mkdir(rootDir, { recursive: true });
  await writeScopeBoundary(rootDir);
  const tmpDir = join(rootDir, `.tmp-${key}-${randomBytes(6).toString("hex")}`);
  await mkdir(tmpDir, { recursive: true });
  try {
    for (const layer of layerDirs) await mergeTree(resolve(layer), tmpDir);
    await rename(tmpDir, finalDir);
  } catch (err) {
    await removeTree(tmpDir);
    if (!(await exists(finalDir))) throw err;
  }
  return finalDir;
}

/**
 * Removes a directory without holding up the caller: it is renamed away at once, to
 * `.gone-<name>-<random>` beside it, so a new directory of its name (the same code extracted
 * again, the same layers merged again) is built anew rather than found half removed, and removed
 * in the background. False when there was nothing to rename.
 */
export function removeDirSoon(dir: string): boolean {
  const gone = join(dirname(dir), `.gone-${basename(dir)}-${randomBytes(6).toString("hex")}`);
  try {
    renameSync(dir, gone);
  } catch {
    return false;
  }
  void removeTree(gone);
  return true;
}

/**
 * Removes a directory tree and never fails: a removal is clean-up, and one that a full, read-only
 * or busy file system, or a process out of descriptors (EMFILE), refuses must not fail the work it
 * follows, nor, left unawaited, end the process as an unhandled rejection.
 */
export function removeTree(path: string): Promise<void> {
  return rm(path, { recursive: true, force: true }).catch(() => undefined);
}

/** The directory buildOptDir merges these layer directories into, in this order. */
export function optDirOf(layerDirs: readonly string[], rootDir: string): string {
  return join(rootDir, createHash("sha256").update(layerDirs.map((d) => resolve(d)).join("\0")).digest("hex"));
}

async function readCentralDirectory(zip: Buffer): Promise<{ zipfile: yauzl.ZipFile; entries: PlannedEntry[]; unzippedSize: number }> {
  let zipfile: yauzl.ZipFile;
  try {
    zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true, autoClose: false });
  } catch {
    throw runtimeErrors.CorruptZip();
  }
  const entries: PlannedEntry[] = [];
  let unzippedSize = 0;
  try {
    // yauzl rejects absolute names and `..` segments here (its validateFileName).
    for await (const entry of zipfile.eachEntry()) {
      unzippedSize += entry.uncompressedSize;
      entries.push(plan(entry));
    }
  } catch {
    zipfile.close();
    throw runtimeErrors.CorruptZip();
  }
  return { zipfile, entries, unzippedSize };
}

function plan(entry: yauzl.Entry): PlannedEntry {
  const unixMode = entry.versionMadeBy >> 8 === MADE_BY_UNIX ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
  if (entry.fileName.endsWith("/") || (unixMode & S_IFMT) === S_IFDIR) return { entry, kind: "dir", mode: 0o755 };
  if ((unixMode & S_IFMT) === S_IFLNK) return { entry, kind: "symlink", mode: 0o777 };
  // Keep the archive's permission bits (the executable bit of a custom runtime's `bootstrap`
  // matters); make sure the owner can read what Nimbus itself must serve to the runtime.
  const perms = unixMode & 0o777;
  return { entry, kind: "file", mode: perms === 0 ? 0o644 : perms | 0o400 };
}

async function writeEntries(zipfile: yauzl.ZipFile, entries: PlannedEntry[], root: string): Promise<void> {
  const symlinks: Array<{ path: string; target: string }> = [];
  for (const planned of entries) {
    const target = safeJoin(root, planned.entry.fileName);
    if (planned.kind === "dir") {
      await mkdir(target, { recursive: true, mode: planned.mode });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const stream = await zipfile.openReadStreamPromise(planned.entry);
    if (planned.kind === "symlink") {
      symlinks.push({ path: target, target: (await readAll(stream)).toString("utf8") });
      continue;
    }
    await pipeline(stream, createWriteStream(target, { mode: planned.mode }));
  }
  // Links last, so no file of the archive is ever written through a link it contains.
  for (const entry of symlinks) {
    await rm(entry.path, { recursive: true, force: true });
    await symlink(entry.target, entry.path);
  }
}

function safeJoin(root: string, name: string): string {
  const target = resolve(root, name);
  if (target !== root && !target.startsWith(root + sep)) throw runtimeErrors.CorruptZip();
  return target;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function mergeTree(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    const src = join(from, name);
    const dest = join(to, name);
    const st = await lstat(src);
    if (st.isDirectory()) {
      const existing = await lstat(dest).catch(() => undefined);
      if (existing && !existing.isDirectory()) await rm(dest, { force: true });
      await mkdir(dest, { recursive: true });
      await mergeTree(src, dest);
      continue;
    }
    await rm(dest, { recursive: true, force: true });
    if (st.isSymbolicLink()) {
      await symlink(await readlink(src), dest);
    } else {
      await link(src, dest).catch(() => copyFile(src, dest));
    }
  }
}

/**
 * Node decides whether a `.js` file is CommonJS or ESM from the nearest package.json up the
 * tree. On Lambda `/var/task` has no parent package.json; here the code directory may sit under
 * a project that declares `"type": "module"`, so an empty package.json at the root of the code
 * store stops that lookup where Lambda's would stop.
 */
async function writeScopeBoundary(rootDir: string): Promise<void> {
  const file = join(rootDir, "package.json");
  if (!(await exists(file))) await writeFile(file, "{}\n").catch(() => undefined);
}

function isSystemError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException | undefined)?.syscall === "string";
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

