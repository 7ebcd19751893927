/**
 * Options for Nimbus's own worker threads (the S3 checksum workers, the WAL checkpointer).
 */

/**
 * A worker inherits the process's execArgv unless told otherwise, and node refuses to start one
 * whose options only make sense for an entry script given as text: with Nimbus embedded by
 * `node --input-type=module -e '...'`, every worker died with ERR_INPUT_TYPE_NOT_ALLOWED and the
 * upload it was hashing answered 500. Those options (and the script text after -e/-p) are left
 * out; the rest (loaders, --import, memory and warning flags) still reach the worker.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (SCRIPT_TEXT.has(arg) || arg === "--input-type") {
      i++; // its value is the next argument
      continue;
    }
    if (arg.startsWith("--input-type=") || arg.startsWith("--eval=") || arg.startsWith("--print=")) continue;
    kept.push(arg);
  }
  return kept;
}

/** The options that take the entry script's text as their value. */
const SCRIPT_TEXT = new Set(["-e", "--eval", "-p", "--print"]);
