/**
 * Benchmark runner: `npm run bench -- <name>... | all [--runs N] [--duration S] ...`.
 * Benchmarks are found by themselves: every bench/<name>.ts exporting `benchmark` (see
 * lib/benchmark.ts), so adding one never touches this file. Progress goes to stderr, the
 * tables to stdout at the end. Figures are printed, never judged.
 */
import { readdir } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Benchmark, BenchContext } from "./lib/benchmark.js";
import { reapOrphans, stopAll } from "./lib/process.js";
import { removeScratchDirs } from "./lib/repo.js";
import type { Report } from "./lib/report.js";

const OPTIONS = {
  runs: { type: "string", default: "3" },
  duration: { type: "string", default: "5" },
  warmup: { type: "string", default: "1" },
  connections: { type: "string", default: "32" },
  amount: { type: "string", default: "" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

const HELP: Record<keyof typeof OPTIONS, string> = {
  runs: "measured runs per target; tables show medians",
  duration: "seconds per measured run",
  warmup: "seconds of warm-up per target",
  connections: "concurrent connections",
  amount: "fixed requests per measured run (overrides --duration)",
  json: "print the reports as JSON instead of tables",
  help: "this text",
};

async function discover(): Promise<Benchmark[]> {
  const self = fileURLToPath(import.meta.url);
  const dir = dirname(self);
  // Compiled (dist/bench/*.js) or under tsx (bench/*.ts).
  const ext = extname(self);
  const files = (await readdir(dir)).filter((f) => f.endsWith(ext) && !f.endsWith(`.test${ext}`) && !f.endsWith(".d.ts") && f !== basename(self));
  const found: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { benchmark?: Benchmark };
    if (mod.benchmark !== undefined) found.push(mod.benchmark);
  }
  // core first: it is the reference every other table is read against.
  return found.sort((a, b) => (a.name === "core" ? -1 : b.name === "core" ? 1 : a.name.localeCompare(b.name)));
}

function usage(benchmarks: readonly Benchmark[]): string {
  const width = Math.max(3, ...benchmarks.map((b) => b.name.length));
  return [
    "Usage: npm run bench -- <name>... | all [options]",
    "",
    "Benchmarks:",
    ...benchmarks.map((b) => `  ${b.name.padEnd(width)}  ${b.description}`),
    `  ${"all".padEnd(width)}  every benchmark above, one after the other`,
    "",
    "Options:",
    ...Object.entries(OPTIONS).map(([name, o]) => {
      const dflt = o.default !== "" && o.default !== false ? ` (default ${String(o.default)})` : "";
      return `  --${name.padEnd(12)} ${HELP[name as keyof typeof OPTIONS]}${dflt}`;
    }),
    "",
  ].join("\n");
}

function positiveNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const log = (message: string): void => void process.stderr.write(`${message}\n`);
  const reaped = reapOrphans();
  if (reaped > 0) log(`bench: killed ${reaped} process group(s) left behind by a harness that was killed`);
  const benchmarks = await discover();
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage(benchmarks)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(usage(benchmarks));
    return 0;
  }
  const unknown = positionals.filter((name) => name !== "all" && !benchmarks.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark: ${unknown.join(", ")}\n\n${usage(benchmarks)}`);
    return 2;
  }
  const selected = positionals.includes("all") ? benchmarks : benchmarks.filter((b) => positionals.includes(b.name));

  const ctx: Omit<BenchContext, "log"> = {
    runs: Math.round(positiveNumber("runs", values.runs)),
    durationSec: positiveNumber("duration", values.duration),
    warmupSec: positiveNumber("warmup", values.warmup),
    connections: Math.round(positiveNumber("connections", values.connections)),
    ...(values.amount !== "" ? { amount: Math.round(positiveNumber("amount", values.amount)) } : {}),
  };

  const reports: Report[] = [];
  let failed = 0;
  for (const b of selected) {
    log(`== ${b.name}: ${b.description}`);
    const loadBefore = loadavg()[0] ?? 0;
    try {
      const report = await b.run({ ...ctx, log: (m) => log(`[${b.name}] ${m}`) });
      // Other work on the machine skews every figure; the ratios measured side by side less so.
      report.note(`machine: ${cpus().length} CPUs, 1-min load average ${loadBefore.toFixed(2)} when this benchmark began`);
      reports.push(report);
    } catch (err) {
      failed++;
      log(`[${b.name}] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      await stopAll();
      removeScratchDirs();
    }
  }

  if (values.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  else process.stdout.write(`\n${reports.map((r) => r.render()).join("\n")}`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
