/**
 * The Go client programs (go-v1/, go-v2/): built in GOPATH mode with Debian's golang-go against
 * the SDK sources Debian installs under /usr/share/gocode, run against a test Nimbus. Each
 * program prints one "ok <check>" or "FAIL <check>: why" line per check.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess, type RunResult } from "../compat/tools.js";

const GOPATH = "/usr/share/gocode";
const GO = process.env["NIMBUS_GO"] ?? "/usr/bin/go";

/** A folder of Go sources: they stay in the source tree (dist/test/clients -> test/clients). */
export function goSources(folder: string): string {
  return fileURLToPath(new URL(`../../../test/clients/${folder}/`, import.meta.url));
}

/** Why programs on the SDK installed at `sdkPath` (under GOPATH) cannot run here, or undefined. */
export function goMissing(sdkPath: string, sdkPackage: string): string | undefined {
  if (!existsSync(GO)) return "golang-go is not installed";
  if (!existsSync(join(GOPATH, "src", sdkPath))) return `${sdkPackage} is not installed`;
  return undefined;
}

/** Runs go, or a program it built, in GOPATH mode. */
export function goRun(command: string, args: string[], cwd?: string): Promise<RunResult> {
  const env: Record<string, string> = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/tmp", GO111MODULE: "off", GOPATH, GOFLAGS: "", CGO_ENABLED: "0" };
  if (process.env["GOCACHE"]) env["GOCACHE"] = process.env["GOCACHE"];
  return runProcess(command, args, cwd === undefined ? { env } : { env, cwd });
}

/** Builds the program in `dir` to `out`: as "." from inside it, since GOPATH mode takes no absolute path as an import. */
export async function goBuild(dir: string, out: string): Promise<void> {
  const built = await goRun(GO, ["build", "-o", out, "."], dir);
  assert.equal(built.code, 0, built.stderr);
}

/** Asserts a program reported no FAIL and exited 0; the names of the checks it passed. */
export function passedChecks(r: RunResult): Set<string> {
  const lines = r.stdout.split("\n");
  assert.deepEqual(lines.filter((line) => line.startsWith("FAIL")), [], r.stdout + r.stderr);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return new Set(lines.filter((line) => line.startsWith("ok ")).map((line) => line.slice(3)));
}
