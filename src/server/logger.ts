/** One JSON line per event on stdout, filtered by level. */
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
 * What a failure of the machine under Nimbus means for its user, by the error's code: a full
 * disk, a read-only volume, no file descriptors left. Not Nimbus's bug, and nothing a stack
 * trace explains; undefined for any other failure.
 */
export function hostFault(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== "string") return undefined;
  if (code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL") {
    return "the disk of Nimbus's data dir is full: what needs writing fails (a 500 the SDKs retry) until space is freed, and goes on by itself once it can write";
  }
  if (code === "EROFS" || code.startsWith("SQLITE_READONLY")) {
    return "Nimbus's data dir has turned read-only: what needs writing fails (a 500 the SDKs retry) until it is writable again";
  }
  if (code === "EMFILE" || code === "ENFILE") {
    return "Nimbus is out of file descriptors (raise ulimit -n): what needs a file, a socket or a process fails until some are released";
  }
  if (code.startsWith("SQLITE_IOERR")) return "the disk of Nimbus's data dir failed a read or a write: is it full, or gone?";
  return undefined;
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
