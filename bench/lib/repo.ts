/**
 * Where things are. The harness runs compiled (dist/bench/lib) or under tsx (bench/lib), so the
 * repository root is found by walking up to Nimbus's package.json rather than by a fixed depth.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "nimbus") {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("bench: cannot find the Nimbus repository root (package.json named \"nimbus\")");
    dir = parent;
  }
}

/** Scratch folder for peers installed at bench time; git-ignored, never a project dependency. */
export function peersDir(): string {
  return join(repoRoot(), "bench", ".peers");
}

const scratch: string[] = [];
let scratchHookInstalled = false;

/**
 * A fresh temporary directory (for data dirs of Nimbus or a peer), removed when the harness
 * exits, however it exits.
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nimbus-bench-${prefix}-`));
  scratch.push(dir);
  if (!scratchHookInstalled) {
    scratchHookInstalled = true;
    process.on("exit", removeScratchDirs);
  }
  return dir;
}

export function removeScratchDirs(): void {
  for (const dir of scratch.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A child killed a moment ago may still be writing; a leftover temp dir is harmless.
    }
  }
}
