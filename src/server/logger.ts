/** One JSON line per event on stdout, filtered by level. */
import { hostFault } from "../core/host-faults.js";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

export interface Logger {
  debug(fields: Record<string, unknown>): void;
  info(fields: Record<string, unknown>): void;
  warn(fields: Record<string, unknown>): void;
  error(fields: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const threshold = RANK[level];
  const log = (lvl: Exclude<LogLevel, "silent">) => (fields: Record<string, unknown>) => {
    if (RANK[lvl] < threshold) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, ...fields })}\n`);
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

/**
 * The fields a log line gives a failure: its stack, or for a host fault its message and what it
 * means (hostFault), which a stack per request would bury.
 */
export function failureFields(error: unknown, stack = true): Record<string, unknown> {
  const hint = hostFault(error);
  if (hint !== undefined) return { error: error instanceof Error ? error.message : String(error), hostFault: hint };
  return { error: stack && error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
