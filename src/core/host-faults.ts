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
