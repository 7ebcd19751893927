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
import { positiveNumber, type Benchmark, type BenchContext, type BenchOption } from "./lib/benchmark.js";
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
  persist: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

const HELP: Record<keyof typeof OPTIONS, string> = {
  runs: "measured runs per target; tables show medians",
  duration: "seconds per measured run",
  warmup: "seconds of warm-up per target",
  connections: "concurrent connections",
  amount: "fixed requests per measured run (overrides --duration)",
  json: "print the reports as JSON instead of tables",
  persist: "Nimbus keeps its state in a fresh data dir (as `nimbus start` does) instead of --in-memory",
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

/**
 * The benchmarks' own options (Benchmark.options), merged for parseArgs. Two benchmarks may
 * share an option name (both read it) only with the same type.
 */
function benchmarkOptions(benchmarks: readonly Benchmark[]): Map<string, BenchOption> {
  const merged = new Map<string, BenchOption>();
  for (const b of benchmarks) {
    for (const [name, option] of Object.entries(b.options ?? {})) {
      if (name in OPTIONS) throw new Error(`bench: ${b.name} declares --${name}, a runner option`);
      const seen = merged.get(name);
      if (seen !== undefined && seen.type !== option.type) throw new Error(`bench: --${name} is declared with two types`);
      merged.set(name, seen ?? option);
    }
  }
  return merged;
}

const optionLine = (name: string, help: string, dflt: string | boolean | undefined, width: number): string =>
  `  --${name.padEnd(width)} ${help}${dflt !== undefined && dflt !== "" && dflt !== false ? ` (default ${String(dflt)})` : ""}`;

function usage(benchmarks: readonly Benchmark[]): string {
  const width = Math.max(3, ...benchmarks.map((b) => b.name.length));
  const own = benchmarks.filter((b) => Object.keys(b.options ?? {}).length > 0);
  const optionWidth = Math.max(12, ...own.flatMap((b) => Object.keys(b.options ?? {}).map((n) => n.length + 1)));
  return [
    "Usage: npm run bench -- <name>... | all [options]",
    "",
    "Benchmarks:",
    ...benchmarks.map((b) => `  ${b.name.padEnd(width)}  ${b.description}`),
    `  ${"all".padEnd(width)}  every benchmark above, one after the other`,
    "",
    "Options:",
    ...Object.entries(OPTIONS).map(([name, o]) => optionLine(name, HELP[name as keyof typeof OPTIONS], o.default, optionWidth)),
    ...own.flatMap((b) => ["", `Options of ${b.name}:`, ...Object.entries(b.options ?? {}).map(([name, o]) => optionLine(name, o.help, o.default, optionWidth))]),
    "",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const log = (message: string): void => void process.stderr.write(`${message}\n`);
  const reaped = reapOrphans();
  if (reaped > 0) log(`bench: killed ${reaped} process group(s) left behind by a harness that was killed`);
  const benchmarks = await discover();
  const extra = benchmarkOptions(benchmarks);
  let parsed;
  try {
    const options = { ...Object.fromEntries([...extra].map(([name, o]) => [name, { type: o.type, ...(o.default !== undefined ? { default: o.default } : {}) }])), ...OPTIONS };
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
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
    persist: values.persist === true,
    // parseArgs types `values` from the runner's own OPTIONS only; the benchmarks' are string or boolean.
    options: Object.fromEntries([...extra.keys()].map((name) => [name, (values as Record<string, string | boolean | undefined>)[name]])),
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
      report.note(ctx.persist ? "nimbus kept its state in a data dir (--persist)" : "nimbus ran --in-memory, like the peers (--persist measures a data dir)");
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
