import { existsSync } from "node:fs";
import { join } from "node:path";
import { startProcess, type ReadyCheck, type RunningProcess } from "./process.js";
import { repoRoot, scratchDir } from "./repo.js";

export const NIMBUS_HEALTH_PATH = "/_nimbus/health";

export interface NimbusProcessOptions {
  /** Persistent state in this folder; default: `--in-memory`. */
  readonly dataDir?: string;
  /** More `nimbus start` flags. */
  readonly extraArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly ready?: ReadyCheck;
}

/**
 * Starts `node bin/nimbus.js start` (the built dist/) on 127.0.0.1 and a free port, silent,
 * and waits for the first 200 from /_nimbus/health; `readyMs` of the result is the start-up
 * time a user sees, from spawn to the first served request.
 */
export function startNimbusProcess(options: NimbusProcessOptions = {}): Promise<RunningProcess> {
  const root = repoRoot();
  if (!existsSync(join(root, "dist", "src", "cli", "main.js"))) {
    throw new Error("bench: dist/src/cli/main.js is missing; run `npm run build` first");
  }
  const storage = options.dataDir !== undefined ? ["--data-dir", options.dataDir] : ["--in-memory"];
  return startProcess({
    name: options.dataDir !== undefined ? "nimbus (data dir)" : "nimbus (in-memory)",
    cwd: root,
    ...(options.env !== undefined ? { env: options.env } : {}),
    args: (port) => [join(root, "bin", "nimbus.js"), "start", "--port", String(port), "--host", "127.0.0.1", "--log-level", "silent", ...storage, ...(options.extraArgs ?? [])],
    ready: { path: NIMBUS_HEALTH_PATH, ok: (status) => status === 200, ...options.ready },
  });
}

/**
 * The Nimbus a data-plane benchmark measures: in memory (like the peers), or with `--persist`
 * on a fresh data dir, the way `nimbus start` runs by default.
 */
export function startMeasuredNimbus(ctx: { readonly persist: boolean }): Promise<RunningProcess> {
  return startNimbusProcess(ctx.persist ? { dataDir: scratchDir("state") } : {});
}
