import type { LoadOptions, Log } from "./load.js";
import type { Report } from "./report.js";

/**
 * An option only one benchmark reads (`--big-mib 64` for s3, `--million` for dynamodb). It is
 * declared by the benchmark, so run.ts accepts and lists it without knowing the benchmark.
 */
export interface BenchOption {
  readonly type: "string" | "boolean";
  /** Given as text for string options (parseArgs hands numbers over as text too). */
  readonly default?: string | boolean;
  /** One line for `npm run bench`'s option list. */
  readonly help: string;
}

export type BenchOptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** What every benchmark receives: the load settings chosen on the command line, and a log. */
export interface BenchContext extends LoadOptions {
  /** Progress lines, to stderr; stdout carries only the final tables. */
  readonly log: Log;
  /** Values of the benchmarks' own options (`Benchmark.options`), by name, defaults applied. */
  readonly options: BenchOptionValues;
  /** `--persist`: the measured Nimbus keeps its state in a data dir, as `nimbus start` does. */
  readonly persist: boolean;
}

/**
 * One benchmark per file bench/<name>.ts, exporting `benchmark`; run.ts finds it by itself.
 * It starts its own processes and should stop them (the runner stops leftovers anyway).
 */
export interface Benchmark {
  /** Command-line name, e.g. "core", "s3", "dynamodb". */
  readonly name: string;
  /** One line for the list `npm run bench` prints. */
  readonly description: string;
  /** Its own command-line options, by name without the dashes. */
  readonly options?: Readonly<Record<string, BenchOption>>;
  run(ctx: BenchContext): Promise<Report>;
}

/** A string option read as a positive number; throws naming the option otherwise. */
export function numberOption(options: BenchOptionValues, name: string, fallback?: number): number {
  const raw = options[name];
  if (raw === undefined || raw === "") {
    if (fallback !== undefined) return fallback;
    throw new Error(`--${name} is required`);
  }
  return positiveNumber(name, String(raw));
}

/** A boolean option: true only when given. */
export function flagOption(options: BenchOptionValues, name: string): boolean {
  return options[name] === true;
}

export function positiveNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
  return n;
}
