/**
 * The machine failing Nimbus, for the disk-full tests: a small tmpfs to put a data dir (or one
 * of its directories) on, and a ballast file that fills it. Mounting needs root on Linux; where
 * it is not allowed, mountTmpfs says why and the test skips with that reason.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A tmpfs of `size` mounted on `on` (a new directory by default), or why there is none (not root, no mount). */
export function mountTmpfs(size: string, on?: string): { dir: string; unmount: () => void } | string {
  const dir = on ?? mkdtempSync(join(tmpdir(), "nimbus-tmpfs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "pipe" });
  } catch (err) {
    if (on === undefined) rmSync(dir, { recursive: true, force: true });
    return `a tmpfs cannot be mounted here (${String((err as Error).message).split("\n")[0]})`;
  }
  return {
    dir,
    unmount: () => {
      execFileSync("umount", ["-l", dir]);
      if (on === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the file system of `dir` with a ballast file, to the last byte; deleting the file (its path, returned) gives the space back. */
export function fillDisk(dir: string): string {
  const ballast = join(dir, "ballast");
  const fd = openSync(ballast, "w");
  try {
    for (const size of [1024 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return ballast;
}
