import type { LoadOptions, Log } from "./load.js";
import type { Report } from "./report.js";

/** What every benchmark receives: the load settings chosen on the command line, and a log. */
export interface BenchContext extends LoadOptions {
  /** Progress lines, to stderr; stdout carries only the final tables. */
  readonly log: Log;
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
  run(ctx: BenchContext): Promise<Report>;
}
